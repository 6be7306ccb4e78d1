using System.Text;
using System.Text.Encodings.Web;

namespace SelfHostSync.Dashboard;

/// <summary>A tiny HTML writer: every piece of text goes through the HTML encoder (names and notes are user input).</summary>
internal sealed class Html
{
    private readonly StringBuilder _out = new();

    /// <summary>Markup we wrote ourselves (tags, attribute names).</summary>
    public Html Raw(string markup)
    {
        _out.Append(markup);
        return this;
    }

    /// <summary>Text, encoded.</summary>
    public Html Text(string? text)
    {
        _out.Append(HtmlEncoder.Default.Encode(text ?? string.Empty));
        return this;
    }

    /// <summary><c>&lt;tag attr="encoded"…&gt;encoded text&lt;/tag&gt;</c>.</summary>
    public Html Element(string tag, string? text, params (string Name, string? Value)[] attributes)
    {
        Open(tag, attributes);
        Text(text);
        return Raw($"</{tag}>");
    }

    public Html Open(string tag, params (string Name, string? Value)[] attributes)
    {
        _out.Append('<').Append(tag);
        foreach (var (name, value) in attributes)
        {
            if (value is not null)
            {
                _out.Append(' ').Append(name).Append("=\"").Append(HtmlEncoder.Default.Encode(value)).Append('"');
            }
        }

        _out.Append('>');
        return this;
    }

    /// <summary>What was written, for the response to send chunk by chunk.</summary>
    public StringBuilder Buffer => _out;

    public override string ToString() => _out.ToString();
}
