from ui.common import placeholder

placeholder("Project", 7)
