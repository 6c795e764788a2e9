#pragma once
// The replica's create inputs now live in the model (common/model/inputs.h),
// next to the validation they share with the kiosk, the CLI and the hub
// (common/model/validate.h). Kept so existing includes keep working.

#include "common/model/inputs.h"
