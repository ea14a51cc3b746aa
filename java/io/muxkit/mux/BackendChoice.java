package io.muxkit.mux;

import java.util.Map;

/** Which backend a command uses and why: a --backend flag, else MUXKIT_BACKEND, else the best available. */
public record BackendChoice(Backend backend, String source) {
    public static final String ENV = "MUXKIT_BACKEND";

    /** flag may be null; a bad flag or env value throws IllegalArgumentException naming the valid names. */
    public static BackendChoice resolve(String flag, Map<String, String> env) {
        if (flag != null)
            return new BackendChoice(Backend.parse(flag), "--backend " + flag);
        String fromEnv = env.get(ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            try {
                return new BackendChoice(Backend.parse(fromEnv), ENV + "=" + fromEnv);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(ENV + ": " + e.getMessage(), e);
            }
        }
        return new BackendChoice(Backend.best(), "best available");
    }
}
