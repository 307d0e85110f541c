from ui.common import placeholder

placeholder("Interviews", 3)
