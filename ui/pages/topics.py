from ui.common import placeholder

placeholder("Topics", 5)
