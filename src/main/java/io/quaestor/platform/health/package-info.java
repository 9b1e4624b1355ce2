/** MicroProfile Health: readiness needs both databases reachable and Quaestor's schema migrated. */
package io.quaestor.platform.health;
