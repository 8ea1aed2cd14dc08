# Package marker: lets the installed tool find this folder's files.
