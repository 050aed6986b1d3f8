package com.trulience.security.control;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-client state of a throttle, keyed by address, user name or token hash: at most {@code capacity} keys, the least
 * recently used evicted first, so that an attacker cycling keys cannot grow the heap. Not thread-safe: the
 * throttles lock around it.
 */
final class BoundedKeys<V> extends LinkedHashMap<String, V> {

    private final int capacity;

    BoundedKeys(int capacity) {
        super(256, 0.75f, true);
        this.capacity = capacity;
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
        return size() > capacity;
    }
}
