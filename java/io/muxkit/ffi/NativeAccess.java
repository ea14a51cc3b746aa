package io.muxkit.ffi;

import java.util.ArrayList;
import java.util.List;


/**
 * The JVM flags a child JVM needs to run our native binding as this JVM does, without warnings.
 * JDK 22+ warns when code loads native code or makes downcalls without
 * {@code --enable-native-access}; JDK 24+ warns when sun.misc.Unsafe's memory methods are used
 * (by jnr-ffi's jffi) without {@code --sun-misc-unsafe-memory-access=allow}, a flag JDK 23 knows
 * and older JDKs refuse. The child chooses its binding as this JVM did: it inherits MUXKIT_BINDING
 * with the environment, and gets -Dmuxkit.binding and --sun-misc-unsafe-memory-access as given here
 * (a parent under {@code deny} has children under deny).
 */
public final class NativeAccess {
    private static final String BINDING_PROPERTY = "muxkit.binding";
    /** What --sun-misc-unsafe-memory-access=VALUE sets: the value in force in this JVM. */
    private static final String UNSAFE_PROPERTY = "sun.misc.unsafe.memory.access";

    private NativeAccess() {}

    /** The flags for a child JVM of the same version as this one, on the same binding. */
    public static List<String> jvmFlags() {
        int feature = Runtime.version().feature();
        String unsafe = System.getProperty(UNSAFE_PROPERTY);
        if (unsafe == null && feature >= 23 && "jnr".equals(Native.binding())) unsafe = "allow";
        return jvmFlags(feature, System.getProperty(BINDING_PROPERTY), unsafe);
    }

    /** --enable-native-access on JDK 22+, -Dmuxkit.binding=binding and --sun-misc-unsafe-memory-access=unsafe unless null. */
    public static List<String> jvmFlags(int feature, String binding, String unsafe) {
        List<String> flags = new ArrayList<>();
        if (feature >= 22) flags.add("--enable-native-access=ALL-UNNAMED");
        if (feature >= 23 && unsafe != null) flags.add("--sun-misc-unsafe-memory-access=" + unsafe);
        if (binding != null) flags.add("-D" + BINDING_PROPERTY + "=" + binding);
        return flags;
    }
}
