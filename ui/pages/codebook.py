from ui.common import placeholder

placeholder("Codebook", 4)
