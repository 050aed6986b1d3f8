package com.trulience.alerts.control;

import jakarta.ejb.DependsOn;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.inject.Inject;

/** Repeats the notification of workers that stay offline, once per cooldown; every node may run it (guarded UPDATE). */
// Its schedule may fire before the deployment finished (WildFly starts timers at once): not before the schema is migrated.
@DependsOn("DatabaseMigration")
@Singleton
public class OfflineReminders {

    @Inject
    AlertTriggers triggers;

    @Schedule(hour = "*", minute = "*", second = "30", persistent = false)
    void remind() {
        triggers.remindOfOfflineWorkers();
    }
}
