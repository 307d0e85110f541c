from ui.common import placeholder

placeholder("Export", 6)
