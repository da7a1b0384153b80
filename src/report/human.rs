//! Human rendering. STUB.
