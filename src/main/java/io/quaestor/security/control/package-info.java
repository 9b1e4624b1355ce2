/** Authentication mechanism, deny-by-default authorization, credentials, throttling and the first administrator. */
package io.quaestor.security.control;
