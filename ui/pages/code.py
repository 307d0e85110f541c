from ui.common import placeholder

placeholder("Code", 4)
