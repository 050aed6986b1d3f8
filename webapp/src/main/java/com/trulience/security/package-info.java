/**
 * Who may do what: users and roles, password hashing, the admin bootstrap, and authentication of dashboard users
 * and of agents by their token.
 */
package com.trulience.security;
