package io.quaestor.platform.time;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import java.time.Clock;

/** One clock for all of Quaestor, in UTC; tests of time-dependent rules pass their own. */
@ApplicationScoped
public class ClockProducer {

    @Produces
    @ApplicationScoped
    Clock utc() {
        return Clock.systemUTC();
    }
}
