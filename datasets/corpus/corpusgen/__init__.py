"""Generator of the composited evaluation corpus: pure geometry and truth (geometry, truth,
recipes, labels) apart from the image work (sources, render). See datasets/corpus/README.md."""
