@_exported import InferenceLab
