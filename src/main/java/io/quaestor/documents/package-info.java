/**
 * Documents Quaestor writes for people: the typesetter for PDF letters, certificates and reports,
 * with fonts for every script a subject's name may be written in.
 */
package io.quaestor.documents;
