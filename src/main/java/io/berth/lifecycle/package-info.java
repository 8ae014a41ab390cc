/**
 * Amazon ECR lifecycle policies and the registry's background jobs. {@link io.berth.lifecycle.LifecyclePolicy},
 * {@link io.berth.lifecycle.LifecycleEvaluation} and {@link io.berth.lifecycle.ExpiryPlan} parse, validate and
 * evaluate policies in pure Java, testable on their own; {@link io.berth.lifecycle.LifecycleRuns} and
 * {@link io.berth.lifecycle.LifecyclePreviews} apply and preview them on a repository; {@link
 * io.berth.lifecycle.HousekeepingTimers} and {@link io.berth.lifecycle.Housekeeping} run lifecycle policies and
 * garbage collection on timers, one instance at a time.
 */
package io.berth.lifecycle;
