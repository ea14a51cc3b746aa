package io.muxkit.process;

import java.util.ArrayList;
import java.util.List;

/**
 * The JVM flags that let jnr-ffi run without warnings on newer JDKs: JDK 22+ warns when a library
 * loads native code without {@code --enable-native-access}, and JDK 24+ when sun.misc.Unsafe's
 * memory methods are used without {@code --sun-misc-unsafe-memory-access=allow} (JDK 23 knows the
 * flag; older JDKs refuse it, so it is given only where it exists).
 */
public final class NativeAccess {
    private NativeAccess() {}

    /** The flags for a child JVM of the same version as this one. */
    public static List<String> jvmFlags() {
        return jvmFlags(Runtime.version().feature());
    }

    public static List<String> jvmFlags(int feature) {
        List<String> flags = new ArrayList<>();
        if (feature >= 22) flags.add("--enable-native-access=ALL-UNNAMED");
        if (feature >= 23) flags.add("--sun-misc-unsafe-memory-access=allow");
        return flags;
    }
}
