package io.berth.platform;

import jakarta.json.spi.JsonProvider;

/**
 * The one JSON-P provider, looked up once. {@code jakarta.json.Json}'s static methods look the provider up on every
 * call, through the class loader's resources: that lookup was a third of a manifest GET's server time.
 */
public final class Jsonp {

    public static final JsonProvider JSON = JsonProvider.provider();

    private Jsonp() {
    }
}
