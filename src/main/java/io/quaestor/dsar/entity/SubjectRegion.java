package io.quaestor.dsar.entity;

/** Where the subject lives, as they or the officer state it. */
public enum SubjectRegion {
    EU,
    UK,
    US_CA,
    US_OTHER,
    CN,
    OTHER
}
