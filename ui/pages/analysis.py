from ui.common import placeholder

placeholder("Analysis", 4)
