from ui.common import placeholder

placeholder("Corpus", 2)
