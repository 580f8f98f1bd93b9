# Builds build/Release/hyperscan.node against the system Hyperscan/Vectorscan (pkg-config name
# `libhs`, Debian package libvectorscan-dev). C++ exceptions are enabled through node-addon-api's
# node_addon_api_except target (defines NAPI_CPP_EXCEPTIONS, removes -fno-exceptions).
{
  "targets": [
    {
      "target_name": "hyperscan",
      "sources": [
        "src/addon.cc",
        "src/database.cc",
        "src/errors.cc",
        "src/library.cc",
        "src/match-sink.cc",
        "src/stream.cc"
      ],
      "dependencies": [
        "<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except"
      ],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags_cc": [
        "-std=c++17",
        "-fexceptions",
        "-Wall",
        "-Wextra",
        "-Wno-unused-parameter",
        "<!@(pkg-config --cflags libhs)"
      ],
      "libraries": ["<!@(pkg-config --libs libhs)"]
    }
  ]
}
