// sensorlab firmware for an Arduino (Uno, Nano, Leonardo...): a small thermostat.
//
// Wiring: a TMP36 temperature sensor on A0, a heater (through a relay or a transistor)
// on pin 7. Upload with the Arduino IDE, close the IDE's Serial Monitor and Plotter, then
// in the notebook: sensorlab.Logger(..., source="serial", baud=115200) and press Connect.
//
// Every second it prints one Arduino Serial Plotter line, which sensorlab reads:
//     temperature:21.50	target:21.00	heater:1
// The notebook sets the target with logger.send("target 22.5"). A target that is not a
// number, or outside 5 to 35 degrees, is refused: the old target stays, and the board
// prints why in words (a line without a reading, so the log shows it as text).

const int SENSOR_PIN = A0;
const int HEATER_PIN = 7;
const float HYSTERESIS = 0.3;  // degrees below the target before the heater comes on
const float LOWEST_TARGET = 5.0;   // a safe range for a classroom heater
const float HIGHEST_TARGET = 35.0;

float target = 21.0;
bool heaterOn = false;
String incoming;

void setup() {
  Serial.begin(115200);
  pinMode(HEATER_PIN, OUTPUT);
}

float readCelsius() {
  float volts = analogRead(SENSOR_PIN) * 5.0 / 1023.0;
  return (volts - 0.5) * 100.0;  // TMP36: 10 mV per degree, 500 mV at 0 degrees
}

// Says why a command changed nothing, in words: no colon and no bare number in it (the
// command is quoted), so the log shows it as a message, not as a reading.
void refuse(const String &command, const __FlashStringHelper *why) {
  Serial.print('"');
  Serial.print(command);
  Serial.print(F("\" was not used because "));
  Serial.print(why);
  Serial.println(F(". The target stays as it was."));
}

// "target 22.5": a number from LOWEST_TARGET to HIGHEST_TARGET; anything else is refused.
void obey(String command) {
  command.trim();
  if (command.length() == 0) return;
  if (!command.startsWith("target ")) {
    refuse(command, F("this thermostat only understands the word target and a number"));
    return;
  }
  String number = command.substring(7);
  number.trim();
  char *end;
  double value = strtod(number.c_str(), &end);
  // toFloat() would read "abc" as 0 and pass "nan" and "inf" on: check the whole text.
  if (number.length() == 0 || *end != '\0' || isnan(value)) {
    refuse(command, F("it is not a number"));
  } else if (!(value >= LOWEST_TARGET && value <= HIGHEST_TARGET)) {
    refuse(command, F("it is outside the safe range of five to thirty-five degrees"));
  } else {
    target = value;
  }
}

void readCommands() {
  while (Serial.available() > 0) {
    char c = Serial.read();
    if (c == '\n') {
      obey(incoming);
      incoming = "";
    } else if (incoming.length() < 64) {
      incoming += c;
    }
  }
}

void loop() {
  readCommands();
  float celsius = readCelsius();
  // On once the room is HYSTERESIS below the target, off as soon as it reaches the target,
  // so the heater is never on in a room warmer than asked; written so that a comparison
  // that cannot be made (a reading that is not a number) leaves the heater off.
  heaterOn = celsius < target - HYSTERESIS || (heaterOn && celsius < target);
  digitalWrite(HEATER_PIN, heaterOn ? HIGH : LOW);

  Serial.print("temperature:");
  Serial.print(celsius);
  Serial.print("\ttarget:");
  Serial.print(target);
  Serial.print("\theater:");
  Serial.println(heaterOn ? 1 : 0);
  delay(1000);
}
