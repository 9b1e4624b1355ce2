/** Staff users, their roles, API tokens and browser sessions. */
package io.quaestor.security.entity;
