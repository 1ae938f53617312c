"""The document model and everything that needs only numpy: no Qt, no torch."""
