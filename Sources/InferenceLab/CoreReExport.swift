@_exported import InferenceLabCore
