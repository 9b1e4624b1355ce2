/** Writing documents: {@link io.quaestor.documents.control.PdfDocument}. */
package io.quaestor.documents.control;
