"""Scripts that measure Chorus and print what they measured."""
