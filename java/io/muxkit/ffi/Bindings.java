package io.muxkit.ffi;

import java.util.Locale;

/**
 * Picks the {@link Binding} once per process, and says why: MUXKIT_BINDING=jnr|ffm, else
 * -Dmuxkit.binding=jnr|ffm, else ffm on JDK 22+ when this jar carries it (it is compiled only on a
 * JDK 22+), else jnr. The chosen class is loaded by name, so a JDK 17 never sees the FFM one and an
 * FFM run never touches jnr-ffi (nor sun.misc.Unsafe). A choice that cannot be honoured fails with
 * a one-line reason.
 */
final class Bindings {
    static final String ENV = "MUXKIT_BINDING", PROPERTY = "muxkit.binding";
    private static final String JNR_CLASS = "io.muxkit.ffi.JnrBinding", FFM_CLASS = "io.muxkit.ffi.FfmBinding";
    private static final int FFM_JDK = 22;

    /** The binding, and why it is the one: e.g. {@code jnr} because {@code JDK 17: java.lang.foreign needs JDK 22+}. */
    record Choice(String name, String reason) {}

    private Bindings() {}

    /** The choice of this process, and its binding: made on first use. */
    static final class Current {
        static final Choice CHOICE = choose(System.getenv(ENV), System.getProperty(PROPERTY),
                Runtime.version().feature(), Bindings.class.getResource("FfmBinding.class") != null);
        static final Binding BINDING = create(CHOICE.name());

        private Current() {}
    }

    static Choice choose(String env, String property, int jdk, boolean ffmBuilt) {
        if (env != null && !env.isEmpty()) return explicit(env, ENV + "=" + env, jdk, ffmBuilt);
        if (property != null && !property.isEmpty()) return explicit(property, "-D" + PROPERTY + "=" + property, jdk, ffmBuilt);
        if (jdk < FFM_JDK) return new Choice("jnr", "JDK " + jdk + ": java.lang.foreign needs JDK " + FFM_JDK + "+");
        if (!ffmBuilt)
            return new Choice("jnr", "JDK " + jdk + ", but this jar was built on a JDK before " + FFM_JDK
                    + ", without the ffm binding; rebuild with JDK " + FFM_JDK + "+ for it");
        return new Choice("ffm", "JDK " + jdk + ": the default on JDK " + FFM_JDK + "+");
    }

    private static Choice explicit(String value, String source, int jdk, boolean ffmBuilt) {
        String name = value.toLowerCase(Locale.ROOT);
        if (name.equals("jnr")) return new Choice(name, source);
        if (!name.equals("ffm")) throw new IllegalArgumentException(source + ": the binding is jnr or ffm");
        if (jdk < FFM_JDK)
            throw new IllegalStateException(source + ": java.lang.foreign needs JDK " + FFM_JDK + "+, this is JDK " + jdk);
        if (!ffmBuilt)
            throw new IllegalStateException(source + ": this jar was built on a JDK before " + FFM_JDK
                    + ", without the ffm binding; rebuild it with JDK " + FFM_JDK + "+");
        return new Choice(name, source);
    }

    private static Binding create(String name) {
        String className = name.equals("ffm") ? FFM_CLASS : JNR_CLASS;
        try {
            return Class.forName(className).asSubclass(Binding.class).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create the " + name + " binding (" + className + "): " + e, e);
        }
    }
}
