/**
 * What the backend may ask an agent to do: job-aware restarts of allow-listed services, and the milder
 * {@code free_memory} and {@code interrupt} actions on the local ComfyUI. A command is checked against this agent's
 * own ALLOWED_ACTIONS and ALLOWED_SERVICES and the strict name rule of
 * {@link com.trulience.agent.restart.ServiceName}; a restart waits for ComfyUI's running job unless forced and is
 * carried out without a shell by a {@link com.trulience.agent.restart.ServiceControl}; the actions are
 * {@link com.trulience.agent.restart.Remedies}.
 */
package com.trulience.agent.restart;
