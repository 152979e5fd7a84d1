__version__ = "0.1.0"
# The browser module's version the widgets ask for; matches package.json.
MODULE_VERSION = "^0.1.0"
