"""The Textual user interface. Talks to the store and srs only, on the app's thread."""
