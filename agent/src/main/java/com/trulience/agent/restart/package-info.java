/**
 * Job-aware restarts of allow-listed services, the one thing the backend may ask an agent to do.
 * A command is checked against this agent's own ALLOWED_SERVICES and the strict name rule of
 * {@link com.trulience.agent.restart.ServiceName}, waits for ComfyUI's running job unless forced, and is carried out
 * without a shell by a {@link com.trulience.agent.restart.ServiceControl}.
 */
package com.trulience.agent.restart;
