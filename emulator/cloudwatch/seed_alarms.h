// The seed's 20 CloudWatch alarms (spec section 8) from the config's `cloudwatch.alarms`:
// production thresholds by default, the staging ones with `cloudwatch.alarm_profile: staging`;
// an alarm with `"enabled": false` is not created.
#pragma once

#include "emulator/cloudwatch/alarm_engine.h"
#include "emulator/core/config.h"

namespace emu::cloudwatch {

// Throws ConfigError naming the alarm's key when a definition is invalid.
void install_seed_alarms(AlarmEngine& engine, const Config& config, Micros now);

}  // namespace emu::cloudwatch
