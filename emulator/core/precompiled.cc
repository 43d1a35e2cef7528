// The translation unit that owns the tree's one precompiled header (emu_pch in
// emulator/CMakeLists.txt): nlohmann/json and the standard containers, which nearly every file
// includes and which dominate their compile time. It defines nothing.
