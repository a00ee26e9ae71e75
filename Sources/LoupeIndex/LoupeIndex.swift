// The index's public face. Its layers are separate targets so that the compiler keeps their
// order (format ← storage ← ingest, read ← build); a program that builds and searches indexes
// imports this one module and sees them all.
@_exported import LoupeBuild
@_exported import LoupeFormat
@_exported import LoupeIngest
@_exported import LoupeRead
@_exported import LoupeStorage
