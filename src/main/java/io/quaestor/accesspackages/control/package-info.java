/** Building, sealing, handing over and deleting packages. */
package io.quaestor.accesspackages.control;
