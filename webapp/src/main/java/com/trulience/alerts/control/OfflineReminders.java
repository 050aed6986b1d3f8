package com.trulience.alerts.control;

import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.inject.Inject;

/** Repeats the notification of workers that stay offline, once per cooldown; every node may run it (guarded UPDATE). */
@Singleton
public class OfflineReminders {

    @Inject
    AlertTriggers triggers;

    @Schedule(hour = "*", minute = "*", second = "30", persistent = false)
    void remind() {
        triggers.remindOfOfflineWorkers();
    }
}
