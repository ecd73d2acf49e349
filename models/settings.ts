import { Schema, model } from 'mongoose';

/** Settings an operator changes at run time; `_id` names the setting. */
const settingSchema = new Schema(
  {
    _id: { type: String, required: true },
    value: { type: Schema.Types.Mixed, required: true },
    changedBy: { type: String },
  },
  { timestamps: true },
);
export const SettingModel = model('Setting', settingSchema);
