package io.berth.distribution;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.Map;

/** The JAX-RS application, at the root: registry clients require /v2/ at the host root. */
@ApplicationPath("/")
public class RegistryApplication extends Application {

    @Override
    public Map<String, Object> getProperties() {
        // Locations are relative (/v2/…), as the spec shows: the resources set them as text, which RESTEasy leaves
        // alone and Jersey would still make absolute without this property. No WADL: it would describe every
        // endpoint to anyone, without credentials.
        return Map.of("jersey.config.server.headers.location.relative.resolution.disabled", true,
                "jersey.config.server.wadl.disableWadl", true);
    }
}
