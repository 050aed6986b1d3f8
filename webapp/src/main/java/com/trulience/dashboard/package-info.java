/**
 * The JSF dashboard: page beans that call the components' control classes and hold view state, and the push that
 * tells open dashboards the fleet changed. Nothing depends on it.
 */
package com.trulience.dashboard;
