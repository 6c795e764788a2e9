#!/usr/bin/env bash
# placeholder replaced below
exit 1
