//! Source paths recorded in the binary and how they map to a local workspace. STUB.
