/**
 * The agents' link: the WebSocket endpoint agents connect to, the wire protocol (every frame in and out, its
 * validation and the {@code error} frame), the sockets open on this node, and turning domain events into frames
 * (a due restart command, a revoked token that closes sockets). Nothing below this component knows the protocol.
 */
package com.trulience.agents;
