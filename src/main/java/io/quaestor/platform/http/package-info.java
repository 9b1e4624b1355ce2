/** HTTP concerns shared by every resource: request ids, body limits, strict JSON binding. */
package io.quaestor.platform.http;
