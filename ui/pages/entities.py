from ui.common import placeholder

placeholder("Entities", 5)
