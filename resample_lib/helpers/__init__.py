"""The book's helpers: test images, filter banks, figures and animations, the chapter diagrams, the
experiment drivers, devices, metrics and the exercise checkers. Nothing here is an operation the book
teaches; ``viz`` and the diagram modules import matplotlib, the rest of the library does not."""
