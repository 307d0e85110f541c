from ui.common import placeholder

placeholder("Search", 2)
