package io.berth.registry;

import java.util.List;

/** One page of a lexically sorted listing; {@code more} says whether entries follow the last one. */
public record Page(List<String> items, boolean more) {
}
