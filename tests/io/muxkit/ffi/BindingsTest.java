package io.muxkit.ffi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which binding runs, and the reason given: the environment, then the property, then the JDK and the jar. */
class BindingsTest {
    @Test
    void defaultsToFfmOnJdk22PlusWhenTheJarCarriesIt() {
        assertEquals(new Bindings.Choice("ffm", "JDK 25: the default on JDK 22+"), Bindings.choose(null, null, 25, true));
        assertEquals(new Bindings.Choice("jnr", "JDK 17: java.lang.foreign needs JDK 22+"), Bindings.choose(null, "", 17, true));
        Bindings.Choice old = Bindings.choose(null, null, 25, false);
        assertEquals("jnr", old.name());
        assertTrue(old.reason().contains("rebuild with JDK 22+"), old.reason());
    }

    @Test
    void environmentBeatsPropertyAndEitherPicks() {
        assertEquals(new Bindings.Choice("jnr", "MUXKIT_BINDING=jnr"), Bindings.choose("jnr", "ffm", 25, true));
        assertEquals(new Bindings.Choice("jnr", "-Dmuxkit.binding=JNR"), Bindings.choose(null, "JNR", 25, true));
        assertEquals(new Bindings.Choice("ffm", "MUXKIT_BINDING=ffm"), Bindings.choose("ffm", null, 22, true));
    }

    @Test
    void anFfmChoiceThatCannotBeHonouredSaysWhy() {
        assertEquals("MUXKIT_BINDING=ffm: java.lang.foreign needs JDK 22+, this is JDK 17",
                assertThrows(IllegalStateException.class, () -> Bindings.choose("ffm", null, 17, false)).getMessage());
        assertTrue(assertThrows(IllegalStateException.class, () -> Bindings.choose(null, "ffm", 25, false))
                .getMessage().startsWith("-Dmuxkit.binding=ffm: this jar was built on a JDK before 22"));
        assertEquals("MUXKIT_BINDING=jni: the binding is jnr or ffm",
                assertThrows(IllegalArgumentException.class, () -> Bindings.choose("jni", null, 25, true)).getMessage());
    }
}
